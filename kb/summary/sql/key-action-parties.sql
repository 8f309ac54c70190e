-- The rows of analysis/key-action-parties.rq: each key action's accountable units, responsible
-- people and its evaluation's country, each with a name.
SELECT a.s AS action, 'unit' AS role, a.o AS party, l.o AS name
FROM fact a
LEFT JOIN fact l ON l.p = :skos_prefLabel AND l.s = a.o
WHERE a.p = :makb_accountableUnit
UNION ALL
SELECT a.s, 'person', a.o, n.o
FROM fact a
JOIN fact t ON t.p = :rdf_type AND t.s = a.o AND t.o = :foaf_Person
LEFT JOIN fact n ON n.p = :foaf_name AND n.s = a.o
WHERE a.p = :makb_responsible
UNION ALL
SELECT a.s, 'country', c.o, n.o
FROM fact a
JOIN fact e ON e.p = :makb_evaluation AND e.s = a.o
JOIN fact c ON c.p = :makb_country AND c.s = e.o
LEFT JOIN fact n ON n.p = :schema_name AND n.s = c.o
WHERE a.p = :makb_recommendation
