-- The rows of analysis/partner-ties.rq: every organisation or unit taking part in a shared thing,
-- with its role and the named graph stating it.
WITH kinds(class, kind) AS (
  VALUES (:makb_Project, 'project'), (:makb_Partnership, 'partnership'), (:makb_Agreement, 'agreement')
),
ties(kind, thing, org, role, g) AS (
  -- a party to a project, partnership or agreement, in each document graph that states it
  SELECT k.kind, su.o, ob.o, pr.o, pr.g
  FROM fact pr
  JOIN fact su ON su.p = :rdf_subject AND su.s = pr.s AND su.g = pr.g
  JOIN fact ob ON ob.p = :rdf_object AND ob.s = pr.s AND ob.g = pr.g
  JOIN fact ty ON ty.p = :rdf_type AND ty.s = su.o
  JOIN kinds k ON k.class = ty.o
  WHERE pr.p = :rdf_predicate
    AND pr.o IN (:makb_funder, :makb_implementer, :makb_consortiumMember, :makb_partner, :makb_party)
  UNION ALL
  -- ... and where a graph holds the fact itself, for a thing no document keeps statements about
  SELECT k.kind, f.s, f.o, f.p, f.g
  FROM fact f
  JOIN fact ty ON ty.p = :rdf_type AND ty.s = f.s
  JOIN kinds k ON k.class = ty.o
  WHERE f.p IN (:makb_funder, :makb_implementer, :makb_consortiumMember, :makb_partner, :makb_party)
    AND NOT EXISTS (SELECT 1 FROM fact x WHERE x.p = :rdf_subject AND x.o = f.s)
  UNION ALL
  SELECT 'evaluation', t.s, u.o, u.p, u.g
  FROM fact t
  JOIN fact u ON u.p = :makb_commissioningUnit AND u.s = t.s AND u.g = t.g
  WHERE t.p = :rdf_type AND t.o = :makb_Evaluation
  UNION ALL
  SELECT 'evaluation', e.o, a.o, a.p, a.g
  FROM fact a
  JOIN fact e ON e.p = :makb_evaluation AND e.s = a.s AND e.g = a.g
  WHERE a.p = :makb_addressee
  UNION ALL
  SELECT 'evaluation', e.o, u.o, u.p, u.g
  FROM fact u
  JOIN fact r ON r.p = :makb_recommendation AND r.s = u.s AND r.g = u.g
  JOIN fact e ON e.p = :makb_evaluation AND e.s = r.o AND e.g = u.g
  WHERE u.p = :makb_accountableUnit
  UNION ALL
  SELECT 'recommendation', t.s, a.o, a.p, a.g
  FROM fact t
  JOIN fact a ON a.p = :makb_addressee AND a.s = t.s AND a.g = t.g
  WHERE t.p = :rdf_type AND t.o = :makb_Recommendation
  UNION ALL
  SELECT 'recommendation', r.o, u.o, u.p, u.g
  FROM fact u
  JOIN fact r ON r.p = :makb_recommendation AND r.s = u.s AND r.g = u.g
  WHERE u.p = :makb_accountableUnit
  UNION ALL
  SELECT 'key-action', t.s, u.o, u.p, u.g
  FROM fact t
  JOIN fact u ON u.p = :makb_accountableUnit AND u.s = t.s AND u.g = t.g
  WHERE t.p = :rdf_type AND t.o = :makb_KeyAction
)
-- one row per tie and graph, for organisations and units only
SELECT DISTINCT kind, thing, org, role, g
FROM ties
WHERE EXISTS (SELECT 1 FROM fact oc WHERE oc.p = :rdf_type AND oc.s = ties.org
                AND oc.o IN (:org_Organization, :org_OrganizationalUnit))
