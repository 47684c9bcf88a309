-- wrk script for the benchmark's POST /items route (bench/bench.py runs `wrk -s` with it):
-- every request carries the same Item body, the one the response check sends.
wrk.method = "POST"
wrk.body = '{"name":"Widget","price":9.99,"has_tax":true,"tags":["a","b"]}'
wrk.headers["Content-Type"] = "application/json"
