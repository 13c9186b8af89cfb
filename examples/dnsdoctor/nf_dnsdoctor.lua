--
-- dnsdoctor with a netfilter hook: DNS answers for lunatik.com coming to the client 10.1.1.2
-- have their A records rewritten to 10.1.2.3.
--   sudo lunatik run examples/dnsdoctor/nf_dnsdoctor false
--   dig lunatik.com    (on the client: 10.1.2.3)
-- The hook is at PRE_ROUTING, where a packet that came in on Ethernet starts with its
-- Ethernet header. Answers are assumed to use a compressed name (16-byte A records).
--

local nf = require("netfilter")
local linux = require("linux")

local action = nf.action

local ETH_LEN = 14
local UDP = 0x11
local DNS = 53
local A = 1

local target = "\7lunatik\3com\0"
local client = 0x0A010102   -- 10.1.1.2
local doctored = 0x0A010203 -- 10.1.2.3

local function hook(skb)
	local ip = ETH_LEN
	if skb:getuint8(ip) >> 4 ~= 4 or skb:getuint8(ip + 9) ~= UDP then
		return action.ACCEPT
	end
	local thoff = ip + ((skb:getuint8(ip) & 0x0F) << 2)
	if linux.ntoh16(skb:getuint16(thoff)) ~= DNS or linux.ntoh32(skb:getuint32(ip + 16)) ~= client then
		return action.ACCEPT
	end
	local dns = thoff + 8
	local answers = linux.ntoh16(skb:getuint16(dns + 6))
	local question = dns + 12
	if #skb < question + #target or skb:getstring(question, #target) ~= target then
		return action.ACCEPT
	end
	local record = question + #target + 4 -- past QTYPE and QCLASS
	for _ = 1, answers do
		if record + 16 > #skb then
			break
		end
		if linux.ntoh16(skb:getuint16(record + 2)) == A then
			skb:setuint32(record + 12, linux.hton32(doctored))
		end
		record = record + 16
	end
	return action.ACCEPT
end

nf.register{
	hook = hook,
	pf = nf.family.INET,
	hooknum = nf.inet_hooks.PRE_ROUTING,
	priority = nf.ip_priority.MANGLE + 1,
}
