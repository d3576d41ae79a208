-- make bench's spread mode: each request takes a path drawn at random from a file of paths,
-- one a line, named after the URL (wrk -s bench/spread.lua URL -- PATHS_FILE), so a page is
-- measured over many objects rather than over one the cache answers after the first request.
-- wrk takes one script: this one loads report.lua beside it for the one-line JSON summary.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("number", threads)
end

local paths = {}
init = function(args)
  for line in io.lines(args[1]) do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
  assert(#paths > 0, "no paths in " .. tostring(args[1]))
  -- Each thread its own sequence, the same from one run to the next.
  math.randomseed(2025 + number)
end

request = function()
  return wrk.format(nil, paths[math.random(#paths)])
end
