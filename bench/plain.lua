-- wrk script: plain GET (the HTTP ceiling). Prints one RESULT line for bench/AuthClients.Bench.
done = require("result")
