-- wrk script: client_credentials token requests, round-robin over the clients in the file given
-- after "--" (one "client_id:secret" a line). Prints one RESULT line for bench/AuthClients.Bench.
local bodies = {}
local next_body = 0

function init(args)
  for line in io.lines(args[1]) do
    local id, secret = line:match("^([^:]+):(.+)$")
    if id then
      bodies[#bodies + 1] = "grant_type=client_credentials&client_id=" .. id .. "&client_secret=" .. secret
    end
  end
  next_body = math.random(#bodies)
end

function request()
  next_body = next_body % #bodies + 1
  return wrk.format("POST", nil, { ["Content-Type"] = "application/x-www-form-urlencoded" }, bodies[next_body])
end

done = require("result")
