--
-- shared: a key-value store served over TCP on 127.0.0.1:90, one client at a time.
--   lunatik spawn examples/shared
--   printf 'name=lunatik\n' | nc -q1 127.0.0.1 90
--   printf 'name\n' | nc -q1 127.0.0.1 90
-- "key=value\n" stores an alphanumeric value, "key=\n" deletes the key, "key\n" answers with
-- the value's 1024-byte buffer and "\n". Values live in an rcu table of data buffers, so other
-- runtimes could share them.
--

local thread = require("thread")
local socket = require("socket")
local inet = require("socket.inet")
local linux = require("linux")
local data = require("data")
local rcu = require("rcu")

local shouldstop = thread.shouldstop
local sock = socket.sock
local errno = linux.errno

local control = "(%w+)(=*)(%w*)\n"
local buffersize = 1024

local shared = rcu.table()

local server = inet.tcp()
server:bind(inet.localhost, 90)
server:listen()

local function handle(session)
	while not shouldstop() do
		local request = session:receive(buffersize)
		local key, assign, value = string.match(request, control)
		if not key then
			break
		end
		if assign == "=" then
			if value ~= "" then
				local buffer = data.new(buffersize)
				buffer:setstring(0, value)
				shared[key] = buffer
			else
				shared[key] = nil
			end
		else
			-- an unknown key is an error that ends the thread, as in Lunatik's example
			session:send(shared[key]:getstring(0) .. "\n")
		end
	end
	session:close()
end

local function daemon()
	print("starting shared...")
	while not shouldstop() do
		local ok, session = pcall(server.accept, server, sock.NONBLOCK)
		if ok then
			handle(session)
		elseif session == errno.AGAIN then
			linux.schedule(100)
		end
	end
	server:close()
	print("stopping shared...")
end

return daemon
