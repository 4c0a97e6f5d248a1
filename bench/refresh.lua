-- wrk script: refresh_token grants, each refresh token sent once. Arguments after "--": a file of
-- refresh tokens (one a line), the client's id and secret. The tokens form a queue (one per wrk
-- thread: run with -t1); each request takes the oldest, and each answer's new refresh token (the
-- rotation) joins the end, so a few dozen tokens last the whole run. A refused grant gives no new
-- token: when the queue runs dry the requests carry an empty token and count as bad answers.
-- Prints one RESULT line for bench/AuthClients.Bench.
local queue, first, last = {}, 1, 0
local prefix

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      last = last + 1
      queue[last] = line
    end
  end
  prefix = "grant_type=refresh_token&client_id=" .. args[2] .. "&client_secret=" .. args[3] .. "&refresh_token="
end

function request()
  local token = ""
  if first <= last then
    token = queue[first]
    queue[first] = nil
    first = first + 1
  end
  return wrk.format("POST", nil, { ["Content-Type"] = "application/x-www-form-urlencoded" }, prefix .. token)
end

function response(status, headers, body)
  local token = status == 200 and body:match('"refresh_token"%s*:%s*"([^"]+)"')
  if token then
    last = last + 1
    queue[last] = token
  end
end

done = require("result")
