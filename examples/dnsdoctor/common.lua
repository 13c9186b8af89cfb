--
-- What the dnsdoctor hooks share: in a DNS answer about `name` going to `client`, every A
-- record is rewritten to `doctored`. Answers are assumed to use a compressed name (16-byte A
-- records), as Lunatik's example assumes.
--

local linux = require("linux")

local common = {}

local UDP = 0x11
local DNS = 53
local A = 1

--- Rewrites the answer in `skb` whose IPv4 header starts at `ip` (0, or 14 after an Ethernet
-- header); `name` is the question's name in DNS wire format ("\7lunatik\3com"), `client` and
-- `doctored` host-order IPv4 addresses.
function common.doctor(skb, ip, name, client, doctored)
	if skb:getuint8(ip) >> 4 ~= 4 or skb:getuint8(ip + 9) ~= UDP then
		return
	end
	local thoff = ip + ((skb:getuint8(ip) & 0x0F) << 2)
	if linux.ntoh16(skb:getuint16(thoff)) ~= DNS or linux.ntoh32(skb:getuint32(ip + 16)) ~= client then
		return
	end
	local qname = name .. "\0"
	local dns = thoff + 8
	local answers = linux.ntoh16(skb:getuint16(dns + 6))
	local question = dns + 12
	if #skb < question + #qname or skb:getstring(question, #qname) ~= qname then
		return
	end
	local record = question + #qname + 4 -- past QTYPE and QCLASS
	for _ = 1, answers do
		if record + 16 > #skb then
			break
		end
		if linux.ntoh16(skb:getuint16(record + 2)) == A then
			skb:setuint32(record + 12, linux.hton32(doctored))
		end
		record = record + 16
	end
end

return common
