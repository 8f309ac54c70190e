-- The rows of analysis/graph-files.rq: the file name of the source document of each document graph.
SELECT d.g AS g, f.o AS file
FROM fact d
JOIN fact f ON f.p = :makb_fileName AND f.s = d.o AND f.g = d.g
WHERE d.p = :prov_wasDerivedFrom AND d.s = d.g
