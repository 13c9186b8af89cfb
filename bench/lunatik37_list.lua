-- `lunatik list` as Lunatik 3.7's own command does it (its bin/lunatik, a lua5.4 script: spec
-- §7.1 dostring: open the device "r+", write the chunk, close; open it "r", read all, close;
-- print), the peer of bench/cli.sh. LUNATIK_DEVDIR: the device folder.
local dev = (os.getenv("LUNATIK_DEVDIR") or "/dev") .. "/lunatik"

local function dostring(chunk)
	local f = assert(io.open(dev, "r+"))
	f:write(chunk)
	f:close()
	f = assert(io.open(dev, "r"))
	local result = f:read("a")
	f:close()
	return result
end

print(dostring("return lunatik.runner.list()"))
