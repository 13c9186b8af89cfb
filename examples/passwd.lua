--- /dev/passwd: every read gives one random printable character (the README's example).
--   sudo lunatik run examples/passwd
--   head -c 16 /dev/passwd
--   sudo lunatik stop examples/passwd

local device = require("device")
local linux = require("linux")

local function nop() end

local function read()
	return string.char(linux.random(32, 126))
end

device.new{name = "passwd", open = nop, release = nop, read = read, mode = linux.stat.IRUGO}
