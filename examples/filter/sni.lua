--
-- filter/sni: drops TLS connections to blocked server names, read from the ClientHello's
-- server_name extension, and logs "filter_sni: <sni> DROP" or "PASS".
--   sudo lunatik run examples/filter/sni false
--   sudo lunatik run examples/filter/https false   (plays https.o's part: see https.lua)
-- The XDP callback gets the packet from its Ethernet header, and an argument whose first two
-- bytes (big-endian) are the offset of the TCP payload in it.
--

local xdp = require("xdp")
local linux = require("linux")

local action = xdp.action

local blocklist = {"ebpf.io"}

local HANDSHAKE = 0x16
local CLIENT_HELLO = 0x01
local SERVER_NAME = 0x0000

local function u8(packet, at) return packet:getuint8(at) end
local function u16(packet, at) return linux.ntoh16(packet:getuint16(at)) end

--- The server name of the ClientHello at `tls` in `packet`, or nil.
local function servername(packet, tls)
	local size = #packet
	if tls + 43 > size or u8(packet, tls) ~= HANDSHAKE or u8(packet, tls + 5) ~= CLIENT_HELLO then
		return nil
	end
	local at = tls + 5 + 4 + 2 + 32 -- record header, handshake header, version, random
	at = at + 1 + u8(packet, at)     -- session id
	if at + 2 > size then return nil end
	at = at + 2 + u16(packet, at)    -- cipher suites
	if at + 1 > size then return nil end
	at = at + 1 + u8(packet, at)     -- compression methods
	if at + 2 > size then return nil end
	local last = math.min(size, at + 2 + u16(packet, at))
	at = at + 2
	while at + 4 <= last do
		local kind, length = u16(packet, at), u16(packet, at + 2)
		if kind == SERVER_NAME and at + 9 <= last then
			local namelength = u16(packet, at + 7) -- after list length and name type
			if at + 9 + namelength <= last then
				return packet:getstring(at + 9, namelength)
			end
			return nil
		end
		at = at + 4 + length
	end
	return nil
end

local function filter_sni(packet, argument)
	local tls = u16(argument, 0)
	local sni = servername(packet, tls)
	if not sni then
		return action.PASS
	end
	for _, blocked in ipairs(blocklist) do
		if sni == blocked then
			print("filter_sni: " .. sni .. " DROP")
			return action.DROP
		end
	end
	print("filter_sni: " .. sni .. " PASS")
	return action.PASS
end

xdp.attach(filter_sni)
