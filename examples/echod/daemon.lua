--
-- echod: an echo service on TCP 127.0.0.1:1337; every connection gets a worker runtime of its
-- own, run by a thread of its own.
--   lunatik spawn examples/echod/daemon
--   echo hello | nc -q1 127.0.0.1 1337
-- The workers share a 2-byte control block with the daemon: byte 0 is the worker's number,
-- byte 1 is 1 while it may go on.
--

local lunatik = require("lunatik")
local thread = require("thread")
local socket = require("socket")
local inet = require("socket.inet")
local linux = require("linux")
local data = require("data")

local shouldstop = thread.shouldstop
local sock = socket.sock
local errno = linux.errno

local server = inet.tcp()
server:bind(inet.localhost, 1337)
server:listen()

local workers = {}

local function daemon()
	print("echod [daemon]: started")
	local id = 0
	while not shouldstop() do
		local ok, session = pcall(server.accept, server, sock.NONBLOCK)
		if ok then
			id = id + 1
			local control = data.new(2)
			control:setbyte(0, id)
			control:setbyte(1, 1)
			local rt = lunatik.runtime("examples/echod/worker")
			rt:resume(control, session) -- leaves the worker's loop as the entry thread.run runs
			workers[id] = {runtime = rt, thread = thread.run(rt, "echod/worker" .. id), control = control}
		elseif session == errno.AGAIN then
			linux.schedule(100)
		end
	end
	for _, worker in pairs(workers) do
		worker.control:setbyte(1, 0)
		worker.thread:stop()
		worker.runtime:stop()
	end
	server:close()
	print("echod [daemon]: stopped")
end

return daemon
