--- IPv4 TCP and UDP sockets with dotted addresses (spec §8.13), over the socket module.
-- Objects are tables holding the raw socket in field `socket`; they close with `<close>`.
-- Errors are the socket module's (integer errnos).
-- @module socket.inet

local socket = require("socket")
local net = require("net")

local af, sock, ipproto = socket.af, socket.sock, socket.ipproto

local inet = {localhost = "127.0.0.1"}

--- "127.0.0.1".
-- @function inet.localhost

local function aton(addr)
	return addr == "*" and 0 or net.aton(addr)
end

local Socket = {}
Socket.__index = Socket
Socket.__close = function(self) self:close() end

local function new(class, kind, proto)
	return setmetatable({socket = socket.new(af.INET, kind, proto)}, class)
end

--- Closes the socket (also its `__close`).
function Socket:close()
	self.socket:close()
end

--- Binds to a dotted IPv4 address ("*" for any) and port.
-- @raise an errno integer (socket's)
function Socket:bind(addr, port)
	self.socket:bind(aton(addr), port)
end

--- Connects to a dotted IPv4 address and port; `flags` as socket's connect.
-- @raise an errno integer
function Socket:connect(addr, port, flags)
	self.socket:connect(aton(addr), port, flags)
end

--- Sends `msg`, to the dotted address and port when given.
-- @return the count sent
-- @raise an errno integer
function Socket:send(msg, addr, port)
	if addr then
		return self.socket:send(msg, aton(addr), port)
	end
	return self.socket:send(msg)
end

--- socket's receive(length [, flags [, from]]), as it is (addresses as integers).
function Socket:receive(...)
	return self.socket:receive(...)
end

--- The socket's own address.
-- @return the dotted address and the port
function Socket:getsockname()
	local ip, port = self.socket:getsockname()
	return net.ntoa(ip), port
end

--- The peer's address.
-- @return the dotted address and the port
function Socket:getpeername()
	local ip, port = self.socket:getpeername()
	return net.ntoa(ip), port
end

local TCP = setmetatable({}, {__index = Socket})
TCP.__index = TCP
TCP.__close = Socket.__close

--- Listens (backlog as socket's listen).
function TCP:listen(backlog)
	self.socket:listen(backlog)
end

--- Accepts a connection: the raw socket of it (not an inet object), as Lunatik does.
function TCP:accept(flags)
	return self.socket:accept(flags)
end

local UDP = setmetatable({}, {__index = Socket})
UDP.__index = UDP
UDP.__close = Socket.__close

--- Receives a datagram of up to `len` bytes.
-- @return the message, the sender's dotted address and port
function UDP:receivefrom(len, flags)
	local msg, ip, port = self.socket:receive(len, flags, true)
	return msg, net.ntoa(ip), port
end

UDP.sendto = Socket.send

--- A TCP socket (methods: close, bind, connect, send, receive, getsockname, getpeername,
-- listen, accept).
-- @raise an errno integer
function inet.tcp()
	return new(TCP, sock.STREAM, ipproto.TCP)
end

--- A UDP socket (methods: close, bind, connect, send, sendto (= send), receive,
-- receivefrom, getsockname, getpeername).
-- @raise an errno integer
function inet.udp()
	return new(UDP, sock.DGRAM, ipproto.UDP)
end

return inet
