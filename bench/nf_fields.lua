-- A netfilter hook shaped like dnsblock (bench/netfilter.sh): it reads the IP header's length
-- and protocol and the UDP destination port of each packet, and drops DNS queries for a name
-- pattern; the benchmark's packets go to port 9999, so every one is read and accepted.
local nf = require("netfilter")
local linux = require("linux")
local UDP = 17
nf.register{
	hook = function(skb)
		local thoff = (skb:getuint8(0) & 0x0F) << 2
		if skb:getuint8(9) == UDP and linux.ntoh16(skb:getuint16(thoff + 2)) == 53
			and skb:getstring(thoff + 20):find("blocked") then
			return nf.action.DROP
		end
		return nf.action.ACCEPT
	end,
	pf = nf.family.IPV4,
	hooknum = nf.inet_hooks.LOCAL_OUT,
	priority = nf.ip_priority.FILTER,
}
