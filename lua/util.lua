--- Small helpers for scripts and tests (spec §8.20).
-- @module util

local util = {}

--- Lower-case hexadecimal of a byte string.
function util.bin2hex(s)
	return (string.gsub(s, ".", function(c) return string.format("%02x", string.byte(c)) end))
end

--- Bytes of a hexadecimal string (pairs of digits).
function util.hex2bin(h)
	return (string.gsub(h, "%x%x", function(x) return string.char(tonumber(x, 16)) end))
end

--- Prints `what` in upper case followed by the other arguments, tab-separated.
function util.log(what, ...)
	print(table.concat({string.upper(what), ...}, "\t"))
end

--- Runs `fn` protected; logs PASS or FAIL with the error and a traceback.
function util.test(name, fn)
	local ok, err = pcall(fn)
	if ok then
		util.log("pass", name)
	else
		util.log("fail", name, tostring(err), "\n" .. debug.traceback())
	end
	return ok
end

return util
