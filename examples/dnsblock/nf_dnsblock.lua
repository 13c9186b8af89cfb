--
-- dnsblock with a netfilter hook: DNS queries for blocked names never leave the machine.
--   sudo lunatik run examples/dnsblock/nf_dnsblock false
--   dig github.com     (times out; other names resolve)
--

local nf = require("netfilter")
local common = require("examples.dnsblock.common")

local action = nf.action
local verdict = {drop = action.DROP, accept = action.ACCEPT}

local function hook(skb)
	local thoff = (skb:getuint8(0) & 0x0F) << 2 -- IHL, in 32-bit words
	return common.hook(skb, thoff, verdict)
end

nf.register{
	hook = hook,
	pf = nf.family.INET,
	hooknum = nf.inet_hooks.LOCAL_OUT,
	priority = nf.ip_priority.FILTER,
}
