--- The control device /dev/lunatik (spec §5): a chunk written to it runs in this runtime;
-- reading gives back its result once.
-- One pending result is shared by every opener, as in Lunatik.

local device = require("device")

local nop = function() end
local result = nil

-- no mode: root only (0600), as the kernel's default for the original's node
local driver = {name = "lunatik", open = nop, release = nop}

--- Compiles and runs the written chunk; its first result (or the error) becomes the pending result.
function driver:write(buf)
	local chunk, err = load(buf, buf, "t")
	if not chunk then
		result = err
	else
		local r = table.pack(pcall(chunk))
		result = r.n > 1 and tostring(r[2]) or ""
	end
end

--- Hands back the pending result once (cut to the size asked), then EOF.
function driver:read(len)
	local r = result
	result = nil
	if r == nil then
		return ""
	end
	return string.sub(r, 1, len)
end

device.new(driver)
