//! Plain SQL with `?` placeholders, numbered (`$1`, `$2`, …) for
//! PostgreSQL: one statement text for both databases.

use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

pub fn stmt(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = if backend == DbBackend::Postgres {
        let mut out = String::with_capacity(sql.len() + 8);
        let mut n = 0;
        for c in sql.chars() {
            if c == '?' {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            } else {
                out.push(c);
            }
        }
        out
    } else {
        sql.to_string()
    };
    Statement::from_sql_and_values(backend, sql, values)
}

pub fn backend(db: &impl ConnectionTrait) -> DbBackend {
    db.get_database_backend()
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_are_numbered_for_postgres() {
        let s = super::stmt(sea_orm::DbBackend::Postgres, "a = ? AND b IN (?, ?)", vec![1.into(), 2.into(), 3.into()]);
        assert_eq!(s.sql, "a = $1 AND b IN ($2, $3)");
        let s = super::stmt(sea_orm::DbBackend::Sqlite, "a = ?", vec![1.into()]);
        assert_eq!(s.sql, "a = ?");
    }
}
