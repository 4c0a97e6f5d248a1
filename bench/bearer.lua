-- wrk script: GET with "Authorization: Bearer <token>", the token given after "--".
-- Prints one RESULT line for bench/AuthClients.Bench.
local token

function init(args)
  token = args[1]
end

function request()
  return wrk.format("GET", nil, { ["Authorization"] = "Bearer " .. token })
end

done = require("result")
