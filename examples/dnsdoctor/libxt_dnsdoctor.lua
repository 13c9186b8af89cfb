--
-- The userspace half of the dnsdoctor target (Lunatik's luaxt API): its init puts in the rule's
-- userargs the name to doctor, the client and the address to give it.
--

local luaxt = require("luaxt")

local function nop() end

local function address(dotted)
	local n = 0
	for part in string.gmatch(dotted, "%d+") do
		n = n * 256 + tonumber(part)
	end
	return n
end

luaxt.target{
	revision = 0,
	family = luaxt.family.UNSPEC,
	help = nop,
	init = function(par)
		par.userargs = string.pack(">s4I4I4", "\7lunatik\3com", address("10.1.1.2"), address("10.1.2.3"))
	end,
	parse = nop,
	final_check = nop,
	print = nop,
	save = nop,
}
