--
-- tap: /dev/tap lists the Ethernet frames the machine sends and receives, one line per read:
-- destination, source and ethertype in hex, then the length.
--   sudo lunatik run examples/tap
--   cat /dev/tap
-- Frames come from a raw AF_PACKET socket bound to every protocol (ETH_P_ALL); a read waits
-- for the next frame.
--

local device = require("device")
local socket = require("socket")
local linux = require("linux")

local ETH_P_ALL = 0x0003
local MTU = 1500

local tap = socket.new(socket.af.PACKET, socket.sock.RAW, ETH_P_ALL)
tap:bind(string.pack(">I2", ETH_P_ALL))

local function nop() end

local function read()
	local frame = tap:receive(MTU)
	local dst, src, ethtype = string.unpack(">I6I6I2", frame)
	return string.format("%X\t%X\t%X\t%d\n", dst, src, ethtype, #frame)
end

device.new{name = "tap", open = nop, release = nop, read = read, mode = linux.stat.IRUGO}
