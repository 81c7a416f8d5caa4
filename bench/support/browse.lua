-- wrk script of bench/results_day.py: one kind of request per wrk process (one thread), paced to a rate.
--   wrk -t1 -cN -dS -s browse.lua http://127.0.0.1:PORT -- <kind> <rate per s, 0 = as fast as it goes> <data dir>
-- kinds: results (the public results page, anonymous), pages (我的证书, with a worker's session cookie),
-- pdf (a worker's certificate PDF by the link its certificate page gave, with If-None-Match once the worker holds
-- a copy), verify (/verify/<code>).
-- Data (written by results_day.py): workers.txt "<session cookie> <link>|<fingerprint>,..." per simulated worker
-- (a signed /files/certificates/… link nginx serves, or the app's /certificates/<id>.pdf),
-- certificates.txt "<certificate id> <fingerprint>", codes.txt, event.txt, expect/<fingerprint>.pdf (stored bytes).
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now()
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9
end

local function lines(path)
  local out = {}
  for line in io.lines(path) do if line ~= "" then out[#out + 1] = line end end
  return out
end

local AGENT = "results-day-bench"
local threads = {}
function setup(thread) threads[#threads + 1] = thread end

function init(args)
  kind, rate, dir = args[1], tonumber(args[2]), args[3]
  statuses = {}          -- status → count
  served = {}            -- fingerprint → 200s whose bytes equal the stored ones
  wrong_bytes, wrong_tags, not_pdf, unknown_tags = 0, 0, 0, 0
  workers, codes, expect = {}, {}, {}
  event = lines(dir .. "/event.txt")[1]
  for _, line in ipairs(lines(dir .. "/workers.txt")) do
    local cookie, certs = line:match("^(%S+)%s*(%S*)$")
    local w = {cookie = cookie, certs = {}, held = {}, step = 0}
    for item in certs:gmatch("[^,]+") do
      local link, fp = item:match("^(.+)|(%x+)$")
      w.certs[#w.certs + 1] = {link = link, fp = fp}
    end
    if kind ~= "pdf" or #w.certs > 0 then workers[#workers + 1] = w end
  end
  fingerprints = {}
  for _, line in ipairs(lines(dir .. "/certificates.txt")) do
    local id, fp = line:match("^(%S+) (%S+)$")
    fingerprints[id] = fp
    if kind == "pdf" then
      local f = io.open(dir .. "/expect/" .. fp .. ".pdf", "rb")
      expect[fp] = f:read("*a")
      f:close()
    end
  end
  codes = lines(dir .. "/codes.txt")
  turn, sent, start = 0, 0, nil
  via_link, via_app = 0, 0
end

-- paced: the n-th request of this process is not sent before start + n / rate
function delay()
  if rate <= 0 then return 0 end
  local t = now()
  if start == nil then start = t end
  local due = start + sent / rate
  sent = sent + 1
  return math.max(0, (due - t) * 1000)
end

function request()
  turn = turn + 1
  local headers = {["User-Agent"] = AGENT, ["Accept-Language"] = "zh-CN"}
  if kind == "results" then
    return wrk.format("GET", "/public/results/" .. event, headers)
  elseif kind == "verify" then
    return wrk.format("GET", "/verify/" .. codes[(turn % #codes) + 1], headers)
  end
  local w = workers[(turn % #workers) + 1]
  headers["Cookie"] = "session=" .. w.cookie
  if kind == "pages" then
    return wrk.format("GET", "/my/certificates", headers)
  end
  w.step = w.step + 1
  local c = w.certs[(w.step % #w.certs) + 1]
  if w.held[c.link] then headers["If-None-Match"] = '"' .. c.fp .. '"' end
  w.held[c.link] = true  -- from now on this browser holds a copy (its answer is checked below)
  if c.link:sub(1, 7) == "/files/" then via_link = via_link + 1 else via_app = via_app + 1 end
  return wrk.format("GET", c.link, headers)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if kind ~= "pdf" or (status ~= 200 and status ~= 304) then return end
  local tag = headers["ETag"] or headers["Etag"] or headers["etag"] or ""
  local fp = tag:match('^"(%x+)"$')
  if fp == nil or expect[fp] == nil then
    unknown_tags = unknown_tags + 1
    return
  end
  if status == 200 then
    if body:sub(1, 4) ~= "%PDF" then not_pdf = not_pdf + 1 end
    if body == expect[fp] then served[fp] = (served[fp] or 0) + 1 else wrong_bytes = wrong_bytes + 1 end
  end
end

function done(summary, latency, requests)
  local t = threads[1]
  local out = {}
  out[#out + 1] = string.format('"kind": "%s", "requests": %d, "duration_us": %d', t:get("kind"), summary.requests, summary.duration)
  out[#out + 1] = string.format('"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}',
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout)
  out[#out + 1] = string.format('"p50_ms": %.2f, "p90_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f',
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000)
  local parts = {}
  for status, n in pairs(t:get("statuses")) do parts[#parts + 1] = string.format('"%d": %d', status, n) end
  out[#out + 1] = '"statuses": {' .. table.concat(parts, ", ") .. '}'
  parts = {}
  for fp, n in pairs(t:get("served")) do parts[#parts + 1] = string.format('"%s": %d', fp, n) end
  out[#out + 1] = '"served": {' .. table.concat(parts, ", ") .. '}'
  out[#out + 1] = string.format('"via_link": %d, "via_app": %d', t:get("via_link"), t:get("via_app"))
  out[#out + 1] = string.format('"wrong_bytes": %d, "wrong_tags": %d, "not_pdf": %d, "unknown_tags": %d',
    t:get("wrong_bytes"), t:get("wrong_tags"), t:get("not_pdf"), t:get("unknown_tags"))
  io.write("BENCH-JSON {" .. table.concat(out, ", ") .. "}\n")
end
