--- The control device /dev/lunatik (spec §5): a chunk written to it runs in this runtime;
-- reading gives back its result.
--
-- Unlike Lunatik's driver, which keeps one pending result for every opener (so concurrent
-- clients read each other's results), each client has its own: the device passes the id of the
-- calling thread to its callbacks. A chunk is everything one client writes before it closes the
-- file (or reads it back): a large write(2) reaches us in pieces of 128 KiB, and runs as one
-- chunk. It runs when the writer closes (so `printf 'chunk' > /dev/lunatik` runs it, and the
-- close waits for it), or at the client's first read if it reads on the same open. Its result
-- is read back whole (in as many reads as it takes), then the client reads end of file.

local device = require("device")
local linux = require("linux")

local nop = function() end
local MAX_CHUNK = 16 << 20          -- bytes one client may write before its chunk runs
local KEEP = 60 * 1000000000        -- a result nobody reads goes after a minute (ns)

local pending = {}   -- caller -> the pieces written so far
local sizes = {}     -- caller -> their size
local results = {}   -- caller -> {text = result, time = when}

-- no mode: root only (0600), as the kernel's default for the original's node
local driver = {name = "lunatik", open = nop, release = nop}

--- Forgets results no one came for (a client that wrote and never read).
local function expire(now)
	for pid, r in pairs(results) do
		if now - r.time > KEEP then
			results[pid] = nil
		end
	end
end

--- Compiles and runs the chunk `pid` wrote; its first result (or the error) becomes its result.
local function run(pid)
	local pieces = pending[pid]
	pending[pid], sizes[pid] = nil, nil
	local result
	if pieces == false then
		result = string.format("chunk too large (more than %d bytes)", MAX_CHUNK)
	else
		local buf = table.concat(pieces)
		local chunk, err = load(buf, buf, "t")
		if not chunk then
			result = err
		else
			local r = table.pack(pcall(chunk))
			result = r.n > 1 and tostring(r[2]) or ""
		end
	end
	results[pid] = {text = result, time = linux.time()}
end

--- Takes a piece of the caller's chunk.
function driver:write(buf, off, pid)
	pid = pid or 0
	local now = linux.time()
	expire(now)
	results[pid] = nil
	local pieces = pending[pid]
	if pieces == false then
		return -- already too large: the rest is dropped until it closes
	end
	local size = (sizes[pid] or 0) + #buf
	if size > MAX_CHUNK then
		pending[pid], sizes[pid] = false, nil
		return
	end
	pieces = pieces or {}
	pieces[#pieces + 1] = buf
	pending[pid], sizes[pid] = pieces, size
end

--- The caller closes the file: its chunk, if it wrote one, runs now.
function driver:flush(pid)
	if pending[pid] ~= nil then
		run(pid)
	end
end

--- Hands back the caller's result, from where its read is (then end of file).
function driver:read(len, off, pid)
	pid = pid or 0
	if pending[pid] ~= nil then
		run(pid)
	end
	local r = results[pid]
	if r == nil then
		return ""
	end
	local piece = string.sub(r.text, off + 1, off + len)
	if piece == "" then
		results[pid] = nil -- read to the end
	end
	return piece
end

device.new(driver)
