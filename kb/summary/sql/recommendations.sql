-- The rows of analysis/recommendations.rq: every recommendation with its acceptance (concept and
-- label), addressee, evaluation and the evaluation's country.
SELECT r.s AS recommendation, n.o AS number, e.o AS evaluation, m.acceptance AS acceptance,
       m.acceptanceLabel AS acceptanceLabel, ad.o AS addressee, c.o AS country, cn.o AS countryName
FROM fact r
LEFT JOIN fact n ON n.p = :makb_number AND n.s = r.s
LEFT JOIN (
  SELECT mr.s AS recommendation, ac.o AS acceptance, al.o AS acceptanceLabel
  FROM fact mr
  JOIN fact ac ON ac.p = :makb_acceptance AND ac.s = mr.o
  LEFT JOIN fact al ON al.p = :skos_prefLabel AND al.s = ac.o
  WHERE mr.p = :makb_managementResponse
) m ON m.recommendation = r.s
LEFT JOIN fact ad ON ad.p = :makb_addressee AND ad.s = r.s
LEFT JOIN fact e  ON e.p = :makb_evaluation AND e.s = r.s
LEFT JOIN fact c  ON c.p = :makb_country AND c.s = e.o
LEFT JOIN fact cn ON cn.p = :schema_name AND cn.s = c.o
WHERE r.p = :rdf_type AND r.o = :makb_Recommendation
