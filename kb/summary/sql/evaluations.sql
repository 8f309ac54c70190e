-- The rows of analysis/evaluations.rq: every evaluation with its title.
SELECT e.s AS evaluation, t.o AS title
FROM fact e
LEFT JOIN fact t ON t.p = :dcterms_title AND t.s = e.s
WHERE e.p = :rdf_type AND e.o = :makb_Evaluation
