--
-- What the dnsblock hooks share: a DNS query (UDP to port 53) whose name matches the block
-- list is dropped. The name is matched raw, in DNS wire format ("\6github\3com"), where the
-- pattern's '.' matches the length bytes.
--

local linux = require("linux")

local common = {}

local udp = 0x11
local dns = 0x35
local blocklist = {"github.com", "gitlab.com"}

--- The verdict for the IPv4 packet in `skb` whose transport header is at `thoff`.
function common.hook(skb, thoff, verdict)
	local proto = skb:getuint8(9)
	local dstport = linux.ntoh16(skb:getuint16(thoff + 2))
	if proto == udp and dstport == dns then
		local qname = skb:getstring(thoff + 20)
		for _, name in ipairs(blocklist) do
			if string.find(qname, name) then
				print("DNS query for " .. qname .. " blocked")
				return verdict.drop
			end
		end
	end
	return verdict.accept
end

return common
