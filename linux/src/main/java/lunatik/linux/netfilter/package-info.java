/**
 * Netfilter hooks from userspace: an NFQUEUE queue spoken over netlink, and the nft and
 * iptables-nft rules that send a hook's packets to it.
 */
package lunatik.linux.netfilter;
