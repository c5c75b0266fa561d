package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"time"
)

// A tiny in-memory driver. Its one table is a report that takes 3s to
// compute; it logs every statement it receives, with the time.

var start time.Time

func logf(format string, args ...any) {
	fmt.Printf("  %5v driver: %s\n", time.Since(start), fmt.Sprintf(format, args...))
}

type fakeDriver struct{}

func (d *fakeDriver) Open(name string) (driver.Conn, error) { return &conn{}, nil }

type connector struct{ d *fakeDriver }

func (c *connector) Connect(ctx context.Context) (driver.Conn, error) { return &conn{}, nil }
func (c *connector) Driver() driver.Driver                            { return c.d }

type conn struct{}

// Prepare and Begin are the old, context-free entry points; this driver
// implements only the context-aware ones below.
func (c *conn) Prepare(query string) (driver.Stmt, error) {
	return nil, errors.New("not supported")
}
func (c *conn) Close() error              { return nil }
func (c *conn) Begin() (driver.Tx, error) { return nil, errors.New("use BeginTx") }

// BeginTx, QueryContext and ExecContext are the context-aware methods that
// database/sql calls when a driver has them.
func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	logf("BEGIN")
	return tx{}, nil
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	logf("%s", query)
	return driver.RowsAffected(1), nil
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	logf("%s", query)
	select {
	case <-time.After(3 * time.Second): // the report is slow
		return &rows{n: 3}, nil
	case <-ctx.Done(): // a good driver stops when the caller gives up
		logf("query abandoned: %v", ctx.Err())
		return nil, ctx.Err()
	}
}

type tx struct{}

func (tx) Commit() error   { logf("COMMIT"); return nil }
func (tx) Rollback() error { logf("ROLLBACK"); return nil }

type rows struct{ n int }

func (r *rows) Columns() []string { return []string{"total"} }
func (r *rows) Close() error      { return nil }
func (r *rows) Next(dest []driver.Value) error {
	if r.n == 0 {
		return io.EOF
	}
	r.n--
	dest[0] = int64(r.n)
	return nil
}

func main() {
	start = time.Now()
	db := sql.OpenDB(&connector{&fakeDriver{}})
	defer db.Close()
	db.SetMaxOpenConns(1) // a pool of one, to make waiting for it visible

	// 1. A query with a deadline: the driver is told, and stops.
	fmt.Println("QueryContext with a 1s budget:")
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err := db.QueryContext(ctx, "SELECT total FROM report")
	fmt.Printf("  %5v caller: %v\n", time.Since(start), err)

	// 2. A transaction whose context is cancelled is rolled back by
	// database/sql itself, without a call to Rollback.
	fmt.Println("BeginTx, then the request is cancelled:")
	start = time.Now()
	reqCtx, cancelReq := context.WithCancel(context.Background())
	defer cancelReq()
	tx, err := db.BeginTx(reqCtx, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := tx.ExecContext(reqCtx, "INSERT INTO orders VALUES (7)"); err != nil {
		fmt.Println(err)
		return
	}
	time.Sleep(200 * time.Millisecond)
	cancelReq() // the client went away before we committed
	time.Sleep(100 * time.Millisecond)
	fmt.Printf("  %5v caller: Commit: %v\n", time.Since(start), tx.Commit())

	// 3. Waiting for a connection: while the only one is busy, a query with
	// a deadline waits in the pool, and gives up there.
	fmt.Println("waiting for the only connection:")
	start = time.Now()
	busy, err := db.Conn(context.Background()) // someone else holds it
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx3, cancel3 := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel3()
	_, err = db.QueryContext(ctx3, "SELECT total FROM report")
	fmt.Printf("  %5v caller: %v (the driver never saw the query)\n", time.Since(start), err)
	fmt.Println("  pool: waited", db.Stats().WaitCount, "time(s), for", db.Stats().WaitDuration)
	if err := busy.Close(); err != nil {
		fmt.Println(err)
	}
}
