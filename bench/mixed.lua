-- wrk script: alternating GET and PUT over SESSIONS sessions of one template.
-- Environment: SESSION_PATH (path up to the session name prefix), AUTH (Authorization value), SESSIONS.
local sessions = tonumber(os.getenv("SESSIONS") or "100")
local base = os.getenv("SESSION_PATH")
local auth = os.getenv("AUTH")
local counter = 0

request = function()
  counter = counter + 1
  local path = base .. (counter % sessions)
  local headers = { ["Authorization"] = auth, ["X-Xbl-Contract-Version"] = "107" }
  if counter % 2 == 0 then
    return wrk.format("GET", path, headers)
  end
  headers["Content-Type"] = "application/json"
  return wrk.format("PUT", path, headers, '{"properties":{"custom":{"n":' .. counter .. '}}}')
end
