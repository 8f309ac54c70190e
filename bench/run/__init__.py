"""The benchmark runner's parts: phases, the worker process, the HTTP phase, measuring and reporting."""
