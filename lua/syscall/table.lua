--- System call entry points by name (spec §8.14): for every entry of syscall.numbers, the
-- address syscall.address gives, to pass to probe.new.
-- The entries are not listed here: they are the names of `syscall.numbers`.
-- @module syscall.table
-- @table

local syscall = require("syscall")

local table = {}
for name, number in pairs(syscall.numbers) do
	table[name] = syscall.address(number)
end

return table
