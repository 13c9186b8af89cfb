--
-- systrack: counts six system calls on the whole machine since it was loaded.
--   sudo lunatik run examples/systrack
--   cat /dev/systrack
-- Each system call's entry point is probed (here through its tracepoint: this kernel has no
-- kprobes); a read lists "<name>: <count>", and every second read returns nothing, so that
-- cat ends after one listing.
--

local linux = require("linux")
local probe = require("probe")
local device = require("device")
local syscall = require("syscall.table")

local systrack = {}
local track = {}
local toggle = true

local function nop() end

local syscalls = {"openat", "read", "write", "readv", "writev", "close"}

for _, symbol in ipairs(syscalls) do
	local address = syscall[symbol]
	track[symbol] = 0
	local function handler()
		track[symbol] = track[symbol] + 1
	end
	systrack[symbol] = probe.new(address, {pre = handler, post = nop})
end

local driver = {name = "systrack", open = nop, release = nop, mode = linux.stat.IRUGO}

function driver:read()
	local log = ""
	if toggle then
		for symbol, counter in pairs(track) do
			log = log .. string.format("%s: %d\n", symbol, counter)
		end
	end
	toggle = not toggle
	return log
end

device.new(driver)
