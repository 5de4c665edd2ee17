package rewrite

import (
	"go/token"
	"strconv"

	"github.com/dave/dst"
	"github.com/dave/dst/dstutil"
)

// rewriteSelect turns each select statement into a switch on simstd.Select:
//
//	switch sel0, sel1, sel2 := c1.RecvCase(), c2.SendCase(x), c3.DiscardCase(); simstd.Select(false, sel0, sel1, sel2) {
//	case 0:
//		v, ok := sel0.Take2()
//
// The init statement evaluates the channel and send operands once, in source order, as select
// does; receive assignments move to the top of their case body, where select performs them.
// Take reads the value and hands the case back for reuse (see simstd.SelectCase). Until then the
// case is nobody else's, so in m[f()] = <-c a select in f, which runs first, cannot reuse it.
// break and labels keep their meaning because a switch is also a break target.
//
// A select of one case switches on the channel operation itself, as the Go compiler turns it
// into one: TrySend or TryRecv with a default (the usual non-blocking send or receive),
// SelectSend or SelectRecv without:
//
//	switch sel0 := c.TryRecv(); sel0.Case() {
//	case 0:
//		v := sel0.Take()
func rewriteSelect(c *fileCtx) {
	terminal := terminalStmts(c.file)
	dstutil.Apply(c.file, nil, func(cur *dstutil.Cursor) bool {
		if s, ok := cur.Node().(*dst.SelectStmt); ok {
			if repl := c.selectSwitch(s, terminal[s]); repl != nil {
				c.replace(cur, s, repl)
			}
		}
		return true
	})
}

// selectSwitch builds the replacement of s. A select that must be a terminating statement (it
// ends a function with results) keeps being one: the switch gets an unreachable default.
func (c *fileCtx) selectSwitch(s *dst.SelectStmt, terminal bool) dst.Stmt {
	if len(s.Body.List) == 0 {
		return emptySelect(terminal)
	}
	prefix := c.freshPrefix("sel")
	var names, inits []dst.Expr
	var clauses []dst.Stmt
	hasDefault := false
	bound := false // a case's body reads its received value (used when there is one case)
	for _, st := range s.Body.List {
		cc := st.(*dst.CommClause)
		clause := &dst.CaseClause{Body: cc.Body}
		if cc.Comm == nil {
			hasDefault = true
		} else {
			name := prefix + strconv.Itoa(len(names))
			init, assign := c.selectCase(cc.Comm, name)
			if init == nil {
				return nil
			}
			clause.List = []dst.Expr{&dst.BasicLit{Kind: token.INT, Value: strconv.Itoa(len(names))}}
			if assign != nil {
				clause.Body = append([]dst.Stmt{assign}, clause.Body...)
				bound = true
			}
			names = append(names, dst.NewIdent(name))
			inits = append(inits, init)
		}
		c.replaced(cc, clause)
		clauses = append(clauses, clause)
	}
	if terminal && !hasDefault {
		clauses = append(clauses, unreachableDefault())
	}
	sw := &dst.SwitchStmt{
		Tag:  &dst.CallExpr{Fun: simstd("Select"), Args: append([]dst.Expr{dst.NewIdent(strconv.FormatBool(hasDefault))}, cloneExprs(names)...)},
		Body: &dst.BlockStmt{List: clauses},
	}
	if len(names) == 1 {
		return oneCaseSwitch(inits[0].(*dst.CallExpr), names[0].(*dst.Ident), bound, hasDefault, sw.Body)
	}
	if len(names) > 0 {
		for i, e := range inits {
			inits[i] = headerSafe(e)
		}
		sw.Init = &dst.AssignStmt{Lhs: names, Tok: token.DEFINE, Rhs: inits}
	}
	return sw
}

// headerSafe parenthesizes e, an expression for a switch header, if it holds a composite
// literal (<-T{}.ch as a case): in a header, T{ would open the switch's body.
func headerSafe(e dst.Expr) dst.Expr {
	lit := false
	dst.Inspect(e, func(n dst.Node) bool {
		if _, ok := n.(*dst.CompositeLit); ok {
			lit = true
		}
		return !lit
	})
	if lit {
		return &dst.ParenExpr{X: e}
	}
	return e
}

// oneCaseSwitch builds the switch for a select of one case, and a default if hasDefault. init
// is the case, made by RecvCase, DiscardCase or SendCase; bound tells whether body reads a
// received value through name. Like the Go compiler, it turns the select into the channel
// operation itself: TrySend or TryRecv with a default, SelectSend or SelectRecv (a plain send
// or receive) without one, so that a blocked goroutine reports "chan receive" as in Go.
func oneCaseSwitch(init *dst.CallExpr, name *dst.Ident, bound, hasDefault bool, body *dst.BlockStmt) *dst.SwitchStmt {
	method := init.Fun.(*dst.SelectorExpr).Sel
	send := method.Name == "SendCase"
	switch {
	case send && hasDefault:
		method.Name = "TrySend"
	case send:
		method.Name = "SelectSend"
	case hasDefault:
		method.Name = "TryRecv"
	default:
		method.Name = "SelectRecv"
	}
	sw := &dst.SwitchStmt{Body: body}
	switch {
	case send:
		sw.Tag = headerSafe(init)
	case bound:
		sw.Init = &dst.AssignStmt{Lhs: []dst.Expr{name}, Tok: token.DEFINE, Rhs: []dst.Expr{headerSafe(init)}}
		sw.Tag = methodCall(dst.NewIdent(name.Name), "Case")
	default:
		sw.Tag = headerSafe(methodCall(init, "Case"))
	}
	return sw
}

// selectCase returns the case value for one communication and, for a receive that assigns,
// the assignment that starts the case body.
func (c *fileCtx) selectCase(comm dst.Stmt, name string) (init dst.Expr, assign dst.Stmt) {
	switch s := comm.(type) {
	case *dst.SendStmt:
		if ch := c.chanExpr(s.Chan); ch != nil {
			return methodCall(ch, "SendCase", s.Value), nil
		}
	case *dst.ExprStmt:
		return c.recvCase(s.X, "DiscardCase"), nil
	case *dst.AssignStmt:
		init = c.recvCase(s.Rhs[0], "RecvCase")
		rhs := dst.Expr(methodCall(dst.NewIdent(name), "Take"))
		if len(s.Lhs) == 2 {
			rhs = c.okAs(s.Lhs[1], methodCall(dst.NewIdent(name), "Take2"))
		}
		return init, &dst.AssignStmt{Lhs: s.Lhs, Tok: s.Tok, Rhs: []dst.Expr{rhs}}
	}
	return nil, nil
}

// recvCase makes the case for the receive e with the Chan method that makes it: RecvCase when
// the received value is wanted, DiscardCase when not.
func (c *fileCtx) recvCase(e dst.Expr, method string) dst.Expr {
	u, ok := unparen(e).(*dst.UnaryExpr)
	if !ok || u.Op != token.ARROW {
		c.finding(e, "select case", "it is not a channel operation simgen recognizes", "")
		return nil
	}
	ch := c.chanExpr(u.X)
	if ch == nil {
		return nil
	}
	return methodCall(ch, method)
}

// emptySelect replaces select {}, which blocks forever.
func emptySelect(terminal bool) dst.Stmt {
	block := &dst.ExprStmt{X: &dst.CallExpr{Fun: simstd("Select"), Args: []dst.Expr{dst.NewIdent("false")}}}
	if !terminal {
		return block
	}
	return &dst.ForStmt{Body: &dst.BlockStmt{List: []dst.Stmt{block}}}
}

func unreachableDefault() *dst.CaseClause {
	msg := &dst.BasicLit{Kind: token.STRING, Value: strconv.Quote("simgen: unreachable")}
	return &dst.CaseClause{Body: []dst.Stmt{&dst.ExprStmt{X: &dst.CallExpr{Fun: dst.NewIdent("panic"), Args: []dst.Expr{msg}}}}}
}

func cloneExprs(es []dst.Expr) []dst.Expr {
	out := make([]dst.Expr, len(es))
	for i, e := range es {
		out[i] = dst.Clone(e).(dst.Expr)
	}
	return out
}

// terminalStmts returns the statements that must stay terminating statements (in the sense of
// the Go spec) because they end a function with results.
func terminalStmts(f *dst.File) map[dst.Stmt]bool {
	m := map[dst.Stmt]bool{}
	dst.Inspect(f, func(n dst.Node) bool {
		var ft *dst.FuncType
		var body *dst.BlockStmt
		switch n := n.(type) {
		case *dst.FuncDecl:
			ft, body = n.Type, n.Body
		case *dst.FuncLit:
			ft, body = n.Type, n.Body
		}
		if body != nil && ft.Results != nil && len(ft.Results.List) > 0 {
			markTerminal(body, m)
		}
		return true
	})
	return m
}

func markTerminal(s dst.Stmt, m map[dst.Stmt]bool) {
	m[s] = true
	switch s := s.(type) {
	case *dst.BlockStmt:
		markLast(s.List, m)
	case *dst.IfStmt:
		markTerminal(s.Body, m)
		if s.Else != nil {
			markTerminal(s.Else, m)
		}
	case *dst.LabeledStmt:
		markTerminal(s.Stmt, m)
	case *dst.SwitchStmt:
		markClauses(s.Body, m)
	case *dst.TypeSwitchStmt:
		markClauses(s.Body, m)
	case *dst.SelectStmt:
		markClauses(s.Body, m)
	}
}

func markClauses(body *dst.BlockStmt, m map[dst.Stmt]bool) {
	for _, st := range body.List {
		switch cl := st.(type) {
		case *dst.CaseClause:
			markLast(cl.Body, m)
		case *dst.CommClause:
			markLast(cl.Body, m)
		}
	}
}

func markLast(list []dst.Stmt, m map[dst.Stmt]bool) {
	if len(list) > 0 {
		markTerminal(list[len(list)-1], m)
	}
}
