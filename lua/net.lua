--- IPv4 address conversions (spec §8.19).
-- @module net

local net = {}

--- "a.b.c.d" (any separators: the first four digit runs) to a host-order integer.
-- @raise when there are more than four numbers
function net.aton(ip)
	local n = 0
	local count = 0
	for b in string.gmatch(ip, "%d+") do
		count = count + 1
		if count > 4 then
			error("invalid IPv4 address: " .. ip)
		end
		n = (n << 8) | (tonumber(b) & 0xFF)
	end
	return n
end

--- A host-order integer (low 32 bits) to "a.b.c.d".
function net.ntoa(n)
	return string.format("%d.%d.%d.%d", (n >> 24) & 0xFF, (n >> 16) & 0xFF, (n >> 8) & 0xFF, n & 0xFF)
end

return net
