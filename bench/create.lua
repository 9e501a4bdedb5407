-- wrk script: each session once, by a unique name, then the thread stops.
--   MODE=create: PUT with members.me and a few custom properties (201 expected);
--   MODE=leave:  DELETE .../members/me of the same names (the session goes with its last member).
-- Environment: SESSION_PATH (path up to the session name prefix), AUTH (Authorization value),
-- SESSIONS (how many in all), THREADS (wrk's -t), MODE, DONE_DIR. Thread t takes the names PREFIX<t>-1 ..
-- PREFIX<t>-<quota>; after its quota it sends a request the server refuses at once (GET of members/me: 405, no
-- session touched) until the last answer to its writes arrived, then writes DONE_DIR/<t> ("<as expected>
-- <otherwise>") and stops. wrk itself runs for its whole -d: the caller interrupts it (SIGINT) once every
-- thread is done.
local base = os.getenv("SESSION_PATH")
local auth = os.getenv("AUTH")
local total = tonumber(os.getenv("SESSIONS") or "1000")
local threads = tonumber(os.getenv("THREADS") or "2")
local mode = os.getenv("MODE") or "create"
local done_dir = os.getenv("DONE_DIR")
local all = {}

function setup(thread)
  thread:set("id", #all)
  table.insert(all, thread)
end

local quota, sent, answered, expected, failed, checked

function init(args)
  quota = math.floor(total / threads) + ((id < total % threads) and 1 or 0)
  sent, answered, expected, failed = 0, 0, 0, 0
  -- wrk calls thread 0's request() once before the run to count pipelined requests, and never sends that one.
  checked = id ~= 0
end

local headers = { ["Authorization"] = auth, ["X-Xbl-Contract-Version"] = "107" }
local put_headers = { ["Authorization"] = auth, ["X-Xbl-Contract-Version"] = "107", ["Content-Type"] = "application/json" }

request = function()
  if not checked then
    checked = true
    return wrk.format("GET", "/")
  end
  if sent >= quota then
    return wrk.format("GET", base .. id .. "-1/members/me", headers)
  end
  sent = sent + 1
  local path = base .. id .. "-" .. sent
  if mode == "leave" then
    return wrk.format("DELETE", path .. "/members/me", headers)
  end
  local body = '{"members":{"me":{"properties":{"custom":{"skill":' .. (1000 + sent % 500) .. '}}}},'
    .. '"properties":{"custom":{"map":"harbor","round":' .. sent .. '}}}'
  return wrk.format("PUT", path, put_headers, body)
end

-- A write answers 201 (create) or 204 (leave: the session went with its last member); the filler 405.
response = function(status, headers, body)
  if status == 405 then
    return
  end
  answered = answered + 1
  if (mode == "create" and status == 201) or (mode == "leave" and status == 204) then
    expected = expected + 1
  else
    failed = failed + 1
  end
  if answered == quota then
    local marker = io.open(done_dir .. "/" .. id, "w")
    marker:write(expected .. " " .. failed .. "\n")
    marker:close()
    wrk.thread:stop()
  end
end
