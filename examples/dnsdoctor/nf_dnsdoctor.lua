--
-- dnsdoctor with a netfilter hook: DNS answers for lunatik.com coming to the client 10.1.1.2
-- have their A records rewritten to 10.1.2.3.
--   sudo lunatik run examples/dnsdoctor/nf_dnsdoctor false
--   dig lunatik.com    (on the client: 10.1.2.3)
-- The hook is at PRE_ROUTING, where a packet that came in on Ethernet starts with its
-- Ethernet header.
--

local nf = require("netfilter")
local common = require("examples.dnsdoctor.common")

local ETH_LEN = 14
local name = "\7lunatik\3com"
local client = 0x0A010102   -- 10.1.1.2
local doctored = 0x0A010203 -- 10.1.2.3

nf.register{
	hook = function(skb)
		common.doctor(skb, ETH_LEN, name, client, doctored)
		return nf.action.ACCEPT
	end,
	pf = nf.family.INET,
	hooknum = nf.inet_hooks.PRE_ROUTING,
	priority = nf.ip_priority.MANGLE + 1,
}
