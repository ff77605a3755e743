#pragma once
// The messenger table, its indexes and its NOTIFY trigger exactly as Symfony 5.4 creates them on
// PostgreSQL (Connection::addTableToSchema through DBAL's PostgreSQLPlatform, and
// PostgreSqlConnection::getTriggerSql), statement for statement, so the catalog looks the same
// whichever side created it (docs/symfony-wire-spec.md §4).
#include <string>
#include <vector>

namespace messengerd::transport::postgres {

// CREATE TABLE <table> (id BIGSERIAL NOT NULL, ...) and the three CREATE INDEX IDX_... .
std::vector<std::string> create_table_sql(const std::string& table);

// CREATE OR REPLACE FUNCTION notify_<table>() ... pg_notify('<table>', NEW.queue_name::text),
// DROP TRIGGER IF EXISTS notify_trigger ON <table>, CREATE TRIGGER notify_trigger AFTER INSERT OR
// UPDATE ... For "schema.table" the function is "schema.notify_table".
std::vector<std::string> create_trigger_sql(const std::string& table);

// notify_<table> (schema-qualified like the table).
std::string trigger_function_name(const std::string& table);

}  // namespace messengerd::transport::postgres
