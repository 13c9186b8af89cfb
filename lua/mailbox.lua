--- Messages between runtimes over a fifo and a completion (spec §8.18).
-- @module mailbox

local fifo = require("fifo")
local completion = require("completion")

local mailbox = {}
local HEADER = string.packsize("T") -- the length prefix string.pack("s") writes
local MailBox = {}
MailBox.__index = MailBox

local function new(q, e, allowed, forbidden)
	local mb = {}
	if type(q) == "userdata" then
		mb.queue, mb.event = q, e
	else
		mb.queue, mb.event = fifo.new(q), completion.new()
	end
	mb[forbidden] = function() error(allowed .. "-only mailbox") end
	return setmetatable(mb, MailBox)
end

--- A receive-only mailbox: `q` is a capacity in bytes, or a fifo received from another runtime
-- (then `e` is its completion).
function mailbox.inbox(q, e)
	return new(q, e, "receive", "send")
end

--- A send-only mailbox (same arguments as inbox).
function mailbox.outbox(q, e)
	return new(q, e, "send", "receive")
end

--- Waits for a message (`timeout` in ms, forever when omitted or negative); returns it, or nil
-- when the queue is empty.
-- @raise "timeout", "interrupt", "unknown" from the wait; "malformed message"
function MailBox:receive(timeout)
	local ok, err = self.event:wait(timeout)
	if not ok then
		error(err)
	end
	local header, header_size = self.queue:pop(HEADER)
	if header_size == 0 then
		return nil
	elseif header_size < HEADER then
		error("malformed message")
	end
	return self.queue:pop((string.unpack("T", header)))
end

--- Sends a message (its length, then its bytes) and signals the receiver.
function MailBox:send(message)
	self.queue:push(string.pack("s", message))
	self.event:complete()
end

return mailbox
