//! One connection to headquarters' database, SQLite or PostgreSQL, and one way to run a statement
//! on either. Statements are written once, with `?1`-style parameters (PostgreSQL is given `$1`),
//! in the SQL both understand (`ON CONFLICT`, `coalesce`, `||`); what only one of them has (bulk
//! loading, advisory locks, JSON operators, roles) is in the code that says which it runs on.

use std::collections::HashMap;

use rusqlite::Connection;

use crate::store::{Result, StoreError};

/// A value given to a statement: text, integers, booleans and their `Option`s.
pub(crate) trait Param: rusqlite::ToSql + postgres::types::ToSql + Sync {}
impl<T: rusqlite::ToSql + postgres::types::ToSql + Sync> Param for T {}

/// A value read from a row.
pub(crate) trait Cell: rusqlite::types::FromSql + for<'b> postgres::types::FromSql<'b> {}
impl<T: rusqlite::types::FromSql + for<'b> postgres::types::FromSql<'b>> Cell for T {}

/// A row of a result.
pub(crate) enum Row<'a> {
    Lite(&'a rusqlite::Row<'a>),
    Pg(&'a postgres::Row),
}

impl Row<'_> {
    /// Column `i`.
    pub(crate) fn get<T: Cell>(&self, i: usize) -> Result<T> {
        match self {
            Row::Lite(r) => Ok(r.get(i)?),
            Row::Pg(r) => Ok(r.try_get(i)?),
        }
    }
}

/// How long a writer waits on SQLite for another to finish before giving up.
pub(crate) const WAIT_FOR_WRITERS: std::time::Duration = std::time::Duration::from_secs(600);

/// Which database.
pub(crate) enum Db {
    Lite(Connection),
    Pg(Box<Pg>),
}

/// A PostgreSQL connection and the statements it has prepared.
pub(crate) struct Pg {
    pub(crate) client: postgres::Client,
    prepared: HashMap<String, postgres::Statement>,
}

/// `?1` becomes `$1` (no statement of fourmi's has a `?` elsewhere).
fn dollars(sql: &str) -> String {
    sql.replace('?', "$")
}

impl Pg {
    pub(crate) fn new(client: postgres::Client) -> Pg {
        Pg { client, prepared: HashMap::new() }
    }

    fn statement(&mut self, sql: &str) -> Result<postgres::Statement> {
        if let Some(s) = self.prepared.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(&dollars(sql))?;
        self.prepared.insert(sql.to_string(), s.clone());
        Ok(s)
    }
}

fn pg_params<'a>(p: &'a [&'a dyn Param]) -> Vec<&'a (dyn postgres::types::ToSql + Sync)> {
    p.iter().map(|x| *x as &(dyn postgres::types::ToSql + Sync)).collect()
}

fn lite_params<'a>(p: &'a [&'a dyn Param]) -> impl rusqlite::Params + 'a {
    rusqlite::params_from_iter(p.iter().map(|x| *x as &dyn rusqlite::ToSql))
}

impl Db {
    /// Whether this is PostgreSQL.
    pub(crate) fn is_pg(&self) -> bool {
        matches!(self, Db::Pg(_))
    }

    /// Runs one statement; the number of rows it changed.
    pub(crate) fn exec(&mut self, sql: &str, p: &[&dyn Param]) -> Result<u64> {
        match self {
            Db::Lite(c) => Ok(c.prepare_cached(sql)?.execute(lite_params(p))? as u64),
            Db::Pg(pg) => {
                let s = pg.statement(sql)?;
                Ok(pg.client.execute(&s, &pg_params(p))?)
            }
        }
    }

    /// Runs statements without parameters, one after the other.
    pub(crate) fn batch(&mut self, sql: &str) -> Result<()> {
        match self {
            Db::Lite(c) => Ok(c.execute_batch(sql)?),
            Db::Pg(pg) => Ok(pg.client.batch_execute(sql)?),
        }
    }

    /// Every row of a query (a few: all are held at once), each made into a `T` by `f`; unlike
    /// [`Db::each`], inside a transaction too.
    pub(crate) fn rows<T>(
        &mut self,
        sql: &str,
        p: &[&dyn Param],
        mut f: impl FnMut(&Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        match self {
            Db::Lite(_) => {
                let mut out = Vec::new();
                self.each(sql, p, |r| {
                    out.push(f(r)?);
                    Ok(())
                })?;
                Ok(out)
            }
            // All at once (a few rows), so that it can be asked inside a transaction.
            Db::Pg(pg) => {
                let s = pg.statement(sql)?;
                pg.client.query(&s, &pg_params(p))?.iter().map(|r| f(&Row::Pg(r))).collect()
            }
        }
    }

    /// The first row of a query, if any.
    pub(crate) fn one<T>(
        &mut self,
        sql: &str,
        p: &[&dyn Param],
        f: impl FnOnce(&Row) -> Result<T>,
    ) -> Result<Option<T>> {
        match self {
            Db::Lite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let mut rows = stmt.query(lite_params(p))?;
                match rows.next()? {
                    Some(r) => Ok(Some(f(&Row::Lite(r))?)),
                    None => Ok(None),
                }
            }
            Db::Pg(pg) => {
                let s = pg.statement(sql)?;
                match pg.client.query_opt(&s, &pg_params(p))? {
                    Some(r) => Ok(Some(f(&Row::Pg(&r))?)),
                    None => Ok(None),
                }
            }
        }
    }

    /// Whether a query has a row.
    pub(crate) fn exists(&mut self, sql: &str, p: &[&dyn Param]) -> Result<bool> {
        Ok(self.one(sql, p, |_| Ok(()))?.is_some())
    }

    /// Gives every row of a query to `f`, one at a time: PostgreSQL sends them a thousand at a
    /// time, so that memory stays the same however many there are. Not inside [`Db::begin`].
    pub(crate) fn each(&mut self, sql: &str, p: &[&dyn Param], mut f: impl FnMut(&Row) -> Result<()>) -> Result<usize> {
        let mut n = 0;
        match self {
            Db::Lite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let mut rows = stmt.query(lite_params(p))?;
                while let Some(r) = rows.next()? {
                    f(&Row::Lite(r))?;
                    n += 1;
                }
            }
            Db::Pg(pg) => {
                let s = pg.statement(sql)?;
                let params = pg_params(p);
                let mut tx = pg.client.transaction()?;
                let portal = tx.bind(&s, &params)?;
                loop {
                    let rows = tx.query_portal(&portal, 1000)?;
                    for r in &rows {
                        f(&Row::Pg(r))?;
                        n += 1;
                    }
                    if rows.len() < 1000 {
                        break;
                    }
                }
                tx.commit()?;
            }
        }
        Ok(n)
    }

    /// Begins a transaction that writes: SQLite takes its write lock now (another importer
    /// waits for it), PostgreSQL begins one that [`Db::lock_writers`] can serialise.
    pub(crate) fn begin(&mut self) -> Result<()> {
        match self {
            Db::Lite(_) => self.batch("BEGIN IMMEDIATE"),
            Db::Pg(_) => self.batch("BEGIN"),
        }
    }

    /// Begins a transaction that writes and takes the writers' turn ([`Db::lock_writers`]),
    /// calling `waiting` first when another writer has it (then it waits, as long as
    /// [`WAIT_FOR_WRITERS`] on SQLite, for good on PostgreSQL).
    pub(crate) fn begin_writing(&mut self, waiting: Option<&mut (dyn FnMut() + Send)>) -> Result<()> {
        match self {
            Db::Lite(c) => {
                c.busy_timeout(std::time::Duration::ZERO)?;
                let busy = |e: &rusqlite::Error| e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy);
                let began = match c.execute_batch("BEGIN IMMEDIATE") {
                    Err(e) if busy(&e) => {
                        waiting.into_iter().for_each(|w| w());
                        c.busy_timeout(WAIT_FOR_WRITERS)?;
                        c.execute_batch("BEGIN IMMEDIATE")
                    }
                    other => other,
                };
                c.busy_timeout(WAIT_FOR_WRITERS)?;
                Ok(began?)
            }
            Db::Pg(pg) => {
                pg.client.batch_execute("BEGIN; SAVEPOINT turn")?;
                let taken = pg.client.batch_execute("LOCK TABLE imports IN SHARE ROW EXCLUSIVE MODE NOWAIT");
                match taken {
                    Err(e) if e.code() == Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE) => {
                        pg.client.batch_execute("ROLLBACK TO SAVEPOINT turn")?;
                        waiting.into_iter().for_each(|w| w());
                        self.lock_writers()?;
                    }
                    other => other?,
                }
                self.batch("RELEASE SAVEPOINT turn")
            }
        }
    }

    /// Makes the writers of this database take turns until the transaction ends (SQLite's
    /// write lock already does this; on PostgreSQL, a lock on the import log).
    pub(crate) fn lock_writers(&mut self) -> Result<()> {
        if self.is_pg() {
            // A lock on a table the analysts' role has no rights on (an advisory lock, which
            // any role may take, would let an analyst hold every import up).
            self.batch("LOCK TABLE imports IN SHARE ROW EXCLUSIVE MODE")?;
        }
        Ok(())
    }

    /// Commits the transaction.
    pub(crate) fn commit(&mut self) -> Result<()> {
        self.batch("COMMIT")
    }

    /// Undoes the transaction (errors are left aside: the one that made us roll back is what
    /// the caller reports).
    pub(crate) fn rollback(&mut self) {
        let _ = self.batch("ROLLBACK");
    }

    /// Runs `f` in a transaction that writes: all of it or none.
    pub(crate) fn write<T>(&mut self, f: impl FnOnce(&mut Db) -> Result<T>) -> Result<T> {
        self.begin()?;
        match f(self).and_then(|t| self.commit().map(|()| t)) {
            Ok(t) => Ok(t),
            Err(e) => {
                self.rollback();
                Err(e)
            }
        }
    }
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        let Some(db) = e.as_db_error() else {
            return StoreError::Db(format!(
                "the connection to PostgreSQL failed ({e}); check that the server runs and can be reached, then try again"
            ));
        };
        match db.code().code() {
            "53100" => StoreError::DiskFull,
            "42501" => StoreError::Db(format!(
                "PostgreSQL refused: {} (this PostgreSQL account may not do this; connect as the account that ran `fourmi hq init`)",
                db.message()
            )),
            "25006" => StoreError::ReadOnly,
            _ => StoreError::Db(format!("PostgreSQL: {}", db.message())),
        }
    }
}

/// A PostgreSQL address as it may be shown: without its password, every host it names.
pub(crate) fn shown(url: &str) -> String {
    match super::tls::spelled_for_the_client(url).parse::<postgres::Config>() {
        Ok(c) => {
            let ports = c.get_ports();
            let port = |i: usize| ports.get(i).or(ports.first()).copied().unwrap_or(5432);
            let mut hosts: Vec<String> = c
                .get_hosts()
                .iter()
                .enumerate()
                .map(|(i, h)| match h {
                    postgres::config::Host::Tcp(h) if h.contains(':') => format!("[{h}]:{}", port(i)),
                    postgres::config::Host::Tcp(h) => format!("{h}:{}", port(i)),
                    #[cfg(unix)]
                    postgres::config::Host::Unix(p) => format!("{}:{}", p.display(), port(i)),
                })
                .collect();
            hosts.extend(c.get_hostaddrs().iter().enumerate().map(|(i, a)| match a {
                std::net::IpAddr::V6(a) => format!("[{a}]:{}", port(i)),
                std::net::IpAddr::V4(a) => format!("{a}:{}", port(i)),
            }));
            if hosts.is_empty() {
                hosts.push(format!("localhost:{}", port(0)));
            }
            format!("{}@{}/{}", c.get_user().unwrap_or(""), hosts.join(","), c.get_dbname().unwrap_or(""))
        }
        Err(_) => "(an address that is not a PostgreSQL one)".into(),
    }
}

/// Connects to PostgreSQL at `url` (`postgres://user:password@host:port/database`, or the
/// `host=... dbname=...` form; psql's `sslmode` spellings), through TLS to another computer
/// (`tls`).
pub(crate) fn connect_pg(url: &str) -> Result<Pg> {
    let spelled = super::tls::spelled_for_the_client(url);
    let mut config: postgres::Config = spelled.parse().map_err(|e: postgres::Error| {
        // The client crate names the option it could not take between backquotes.
        let text = std::error::Error::source(&e).map(ToString::to_string).unwrap_or_default();
        match text.split('`').nth(1).filter(|o| !o.is_empty()) {
            Some(option) => StoreError::said("err-pg-address", &[("option", option.to_string())]),
            None => StoreError::said("err-pg-address-form", &[]),
        }
    })?;
    let shown = shown(url);
    super::tls::settle(&mut config, &shown)?;
    let connected = if config.get_ssl_mode() == postgres::config::SslMode::Disable {
        config.connect(postgres::NoTls)
    } else {
        config.connect(super::tls::connector()?)
    };
    let client = connected.map_err(|e| {
        super::tls::refusal(&e, &shown).unwrap_or_else(|| {
            let why = e.as_db_error().map(|d| d.message().to_string()).unwrap_or_else(|| e.to_string());
            StoreError::said("err-pg-connect", &[("address", shown.clone()), ("why", why)])
        })
    })?;
    Ok(Pg::new(client))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shown_address_never_has_its_password() {
        let s = shown("postgres://hq:s3cret-word@db.example.org:5433/fourmi");
        assert_eq!(s, "hq@db.example.org:5433/fourmi");
        assert!(!shown("host=/tmp port=5 user=a password=s3cret-word dbname=x").contains("s3cret"));
        assert_eq!(shown("host=localhost,db.example.org port=5,6 user=a dbname=x"), "a@localhost:5,db.example.org:6/x");
        assert_eq!(shown("postgres://a@[::1]:7/x"), "a@[::1]:7/x");
        assert_eq!(shown("host=localhost hostaddr=192.0.2.2 user=a dbname=x"), "a@localhost:5432,192.0.2.2:5432/x");
    }

    #[test]
    fn parameters_are_numbered_the_way_postgresql_wants() {
        assert_eq!(dollars("SELECT 1 WHERE a = ?1 AND b = ?2"), "SELECT 1 WHERE a = $1 AND b = $2");
    }
}
