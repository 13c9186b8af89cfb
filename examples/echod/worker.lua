--
-- echod worker: echoes what its client sends until the client closes or the daemon stops it.
--

local thread = require("thread")

local function worker(control, session)
	local id = control:getbyte(0)
	return function()
		print(string.format("echod [worker #%d]: started", id))
		while control:getbyte(1) == 1 and not thread.shouldstop() do
			local ok, message = pcall(session.receive, session, 1024)
			if not ok then
				print(string.format("echod [worker #%d]: aborted", id))
				break
			elseif message == "" then
				break
			end
			session:send(message)
		end
		session:close()
		print(string.format("echod [worker #%d]: stopped", id))
	end
end

return worker
