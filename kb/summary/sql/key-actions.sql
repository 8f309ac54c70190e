-- The rows of analysis/key-actions.rq: every key action with its number, text, status, due
-- period end, due date as printed, creation date and recommendation.
SELECT a.s AS action, n.o AS number, d.o AS text, st.o AS status, de.o AS dueEnd, dt.o AS dueText,
       c.o AS created, r.o AS recommendation
FROM fact a
LEFT JOIN fact n  ON n.p = :makb_number AND n.s = a.s
LEFT JOIN fact d  ON d.p = :dcterms_description AND d.s = a.s
LEFT JOIN fact st ON st.p = :makb_status AND st.s = a.s
LEFT JOIN fact de ON de.p = :makb_dueEnd AND de.s = a.s
LEFT JOIN fact dt ON dt.p = :makb_dueText AND dt.s = a.s
LEFT JOIN fact c  ON c.p = :dcterms_created AND c.s = a.s
LEFT JOIN fact r  ON r.p = :makb_recommendation AND r.s = a.s
WHERE a.p = :rdf_type AND a.o = :makb_KeyAction
