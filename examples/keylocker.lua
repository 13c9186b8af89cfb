--
-- keylocker: the key sequence up up down down left right left right, left Ctrl, left Alt
-- (released in that order) locks the keyboard: while locked, keys go no further (the console
-- gets none); the same sequence unlocks it.
--   sudo lunatik run examples/keylocker
-- Here the keys come from the keyboards' evdev devices, and a locked keyboard is grabbed.
--

local notifier = require("notifier")

local notify = notifier.notify
local kbd = notifier.kbd

local sequence = {103, 103, 108, 108, 105, 106, 105, 106, 29, 56}
local locked = false
local index = 1

local function locker(event, down, shift, value)
	if not down and event == kbd.KEYCODE then
		if value == sequence[index] then
			index = index + 1
			if index > #sequence then
				locked = not locked
				index = 1
				print(locked and "keylocker: locked" or "keylocker: unlocked")
			end
		else
			index = value == sequence[1] and 2 or 1
		end
	end
	return locked and notify.STOP or notify.OK
end

notifier.keyboard(locker)
