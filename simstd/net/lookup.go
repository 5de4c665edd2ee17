package net

import (
	"context"
	"net"
	"net/netip"
	"strings"

	"github.com/simgen/simgen/internal/kernel"
	"github.com/simgen/simgen/internal/netsim"
	simctx "github.com/simgen/simgen/simstd/context"
)

// Resolver looks up names and numbers, as net.Resolver does. Outside a
// simulation it resolves through a net.Resolver with the same fields.
//
// In a simulation the names are those of the run's nodes (a node's name is
// its host name, 10.0.0.x its address) and "localhost"; anything else is
// not found (a *DNSError with IsNotFound, like an unknown host), and there
// are no MX, NS, SRV or TXT records. Lookups are scheduling points and take
// no virtual time. PreferGo, StrictErrors and Dial have no effect.
type Resolver struct {
	// PreferGo selects Go's built-in resolver.
	PreferGo bool
	// StrictErrors makes temporary errors abort a whole lookup.
	StrictErrors bool
	// Dial optionally specifies an alternate dialer for Go's built-in DNS
	// resolver (outside a simulation).
	Dial func(ctx simctx.Context, network, address string) (Conn, error)
}

// DefaultResolver is the resolver of the package-level Lookup functions.
var DefaultResolver = &Resolver{}

// std returns the net.Resolver with r's fields.
func (r *Resolver) std() *net.Resolver {
	if r == nil || !r.PreferGo && !r.StrictErrors && r.Dial == nil {
		return net.DefaultResolver
	}
	sr := &net.Resolver{PreferGo: r.PreferGo, StrictErrors: r.StrictErrors}
	if dial := r.Dial; dial != nil {
		sr.Dial = func(ctx context.Context, network, address string) (net.Conn, error) {
			return dial(ctx, network, address)
		}
	}
	return sr
}

// simNet returns the network of the caller's simulation after a
// scheduling point, or nil outside one.
func simNet() *netsim.Net {
	g := kernel.Current()
	if g == nil {
		return nil
	}
	g.Sync()
	return netsim.Of(g.Sim())
}

func noSuchHost(name string) error {
	return &DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

// LookupHost returns the addresses of host.
func (r *Resolver) LookupHost(ctx simctx.Context, host string) (addrs []string, err error) {
	n := simNet()
	if n == nil {
		return r.std().LookupHost(ctx, host)
	}
	if host == "" {
		return nil, noSuchHost(host)
	}
	ips, err := n.LookupNetIP(host)
	if err != nil {
		return nil, err
	}
	for _, ip := range ips {
		addrs = append(addrs, ip.String())
	}
	return addrs, nil
}

// LookupNetIP returns the addresses of host on network ("ip", "ip4",
// "ip6").
func (r *Resolver) LookupNetIP(ctx simctx.Context, network, host string) ([]netip.Addr, error) {
	n := simNet()
	if n == nil {
		return r.std().LookupNetIP(ctx, network, host)
	}
	switch network {
	case "ip", "ip4", "ip6":
	default:
		return nil, UnknownNetworkError(network)
	}
	if host == "" {
		return nil, noSuchHost(host)
	}
	ips, err := n.LookupNetIP(host)
	if err != nil {
		return nil, err
	}
	var out []netip.Addr
	for _, ip := range ips {
		if network == "ip4" && !ip.Unmap().Is4() || network == "ip6" && ip.Unmap().Is4() {
			continue
		}
		out = append(out, ip)
	}
	if len(out) == 0 {
		return nil, noSuchHost(host)
	}
	return out, nil
}

// LookupIP returns the addresses of host on network ("ip", "ip4", "ip6").
func (r *Resolver) LookupIP(ctx simctx.Context, network, host string) ([]IP, error) {
	if kernel.Current() == nil {
		return r.std().LookupIP(ctx, network, host)
	}
	ips, err := r.LookupNetIP(ctx, network, host)
	if err != nil {
		return nil, err
	}
	out := make([]IP, len(ips))
	for i, ip := range ips {
		out[i] = IP(ip.AsSlice())
	}
	return out, nil
}

// LookupIPAddr returns the addresses of host.
func (r *Resolver) LookupIPAddr(ctx simctx.Context, host string) ([]IPAddr, error) {
	if kernel.Current() == nil {
		return r.std().LookupIPAddr(ctx, host)
	}
	ips, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, err
	}
	out := make([]IPAddr, len(ips))
	for i, ip := range ips {
		out[i] = IPAddr{IP: IP(ip.AsSlice()), Zone: ip.Zone()}
	}
	return out, nil
}

// LookupPort returns the port of service on network; in a simulation
// services are those of net's built-in table (http, https, ssh, …).
func (r *Resolver) LookupPort(ctx simctx.Context, network, service string) (port int, err error) {
	if simNet() == nil {
		return r.std().LookupPort(ctx, network, service)
	}
	return netsim.LookupPort(network, service)
}

// LookupCNAME returns the canonical name of host.
func (r *Resolver) LookupCNAME(ctx simctx.Context, host string) (string, error) {
	n := simNet()
	if n == nil {
		return r.std().LookupCNAME(ctx, host)
	}
	return n.LookupCNAME(host)
}

// LookupAddr returns the names of the host with address addr.
func (r *Resolver) LookupAddr(ctx simctx.Context, addr string) ([]string, error) {
	n := simNet()
	if n == nil {
		return r.std().LookupAddr(ctx, addr)
	}
	return n.LookupAddr(addr)
}

// LookupMX returns the MX records of name (none in a simulation).
func (r *Resolver) LookupMX(ctx simctx.Context, name string) ([]*MX, error) {
	if simNet() == nil {
		return r.std().LookupMX(ctx, name)
	}
	return nil, noSuchHost(name)
}

// LookupNS returns the NS records of name (none in a simulation).
func (r *Resolver) LookupNS(ctx simctx.Context, name string) ([]*NS, error) {
	if simNet() == nil {
		return r.std().LookupNS(ctx, name)
	}
	return nil, noSuchHost(name)
}

// LookupSRV returns the SRV records of a service (none in a simulation).
func (r *Resolver) LookupSRV(ctx simctx.Context, service, proto, name string) (string, []*SRV, error) {
	if simNet() == nil {
		return r.std().LookupSRV(ctx, service, proto, name)
	}
	target := name
	if service != "" || proto != "" {
		target = "_" + service + "._" + proto + "." + name
	}
	return "", nil, noSuchHost(target)
}

// LookupTXT returns the TXT records of name (none in a simulation).
func (r *Resolver) LookupTXT(ctx simctx.Context, name string) ([]string, error) {
	if simNet() == nil {
		return r.std().LookupTXT(ctx, name)
	}
	return nil, noSuchHost(name)
}

// LookupHost returns the addresses of host.
func LookupHost(host string) (addrs []string, err error) {
	return DefaultResolver.LookupHost(simctx.Background(), host)
}

// LookupIP returns the addresses of host.
func LookupIP(host string) ([]IP, error) {
	addrs, err := DefaultResolver.LookupIPAddr(simctx.Background(), host)
	if err != nil {
		return nil, err
	}
	ips := make([]IP, len(addrs))
	for i, a := range addrs {
		ips[i] = a.IP
	}
	return ips, nil
}

// LookupPort returns the port of service on network.
func LookupPort(network, service string) (port int, err error) {
	return DefaultResolver.LookupPort(simctx.Background(), network, service)
}

// LookupCNAME returns the canonical name of host.
func LookupCNAME(host string) (cname string, err error) {
	return DefaultResolver.LookupCNAME(simctx.Background(), host)
}

// LookupAddr returns the names of the host with address addr.
func LookupAddr(addr string) (names []string, err error) {
	return DefaultResolver.LookupAddr(simctx.Background(), addr)
}

// LookupMX returns the MX records of name.
func LookupMX(name string) ([]*MX, error) { return DefaultResolver.LookupMX(simctx.Background(), name) }

// LookupNS returns the NS records of name.
func LookupNS(name string) ([]*NS, error) { return DefaultResolver.LookupNS(simctx.Background(), name) }

// LookupSRV returns the SRV records of a service.
func LookupSRV(service, proto, name string) (cname string, addrs []*SRV, err error) {
	return DefaultResolver.LookupSRV(simctx.Background(), service, proto, name)
}

// LookupTXT returns the TXT records of name.
func LookupTXT(name string) ([]string, error) {
	return DefaultResolver.LookupTXT(simctx.Background(), name)
}

// ResolveTCPAddr returns the address of a TCP end point ("host:port").
func ResolveTCPAddr(network, address string) (*TCPAddr, error) {
	n := simNet()
	if n == nil {
		return net.ResolveTCPAddr(network, address)
	}
	switch network {
	case "tcp", "tcp4", "tcp6":
	case "":
		network = "tcp"
	default:
		return nil, UnknownNetworkError(network)
	}
	ip, port, zone, err := n.Resolve(network, address)
	if err != nil {
		return nil, err
	}
	return &TCPAddr{IP: ip, Port: port, Zone: zone}, nil
}

// ResolveUDPAddr returns the address of a UDP end point ("host:port").
func ResolveUDPAddr(network, address string) (*UDPAddr, error) {
	n := simNet()
	if n == nil {
		return net.ResolveUDPAddr(network, address)
	}
	switch network {
	case "udp", "udp4", "udp6":
	case "":
		network = "udp"
	default:
		return nil, UnknownNetworkError(network)
	}
	ip, port, zone, err := n.Resolve(network, address)
	if err != nil {
		return nil, err
	}
	return &UDPAddr{IP: ip, Port: port, Zone: zone}, nil
}

// ResolveIPAddr returns the address of an IP end point (a host).
func ResolveIPAddr(network, address string) (*IPAddr, error) {
	n := simNet()
	if n == nil {
		return net.ResolveIPAddr(network, address)
	}
	if network == "" {
		network = "ip"
	}
	afnet, _, _ := strings.Cut(network, ":")
	switch afnet {
	case "ip", "ip4", "ip6":
	default:
		return nil, UnknownNetworkError(network)
	}
	if address == "" {
		return &IPAddr{}, nil
	}
	ip, _, zone, err := n.Resolve(strings.Replace(afnet, "ip", "tcp", 1), net.JoinHostPort(address, "0"))
	if err != nil {
		return nil, err
	}
	return &IPAddr{IP: ip, Zone: zone}, nil
}
