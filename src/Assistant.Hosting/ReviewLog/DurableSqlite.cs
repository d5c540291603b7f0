using Assistant.Core;
using Microsoft.Data.Sqlite;

namespace Assistant.Hosting;

/// <summary>Connections to the host's durable SQLite file (bot.db), shared by the bot state and the review log.</summary>
public static class DurableSqlite
{
    /// <summary>Where a host keeps it: bot.db in the index's folder.</summary>
    public static string DefaultPath(AssistantSettings settings) => Path.Combine(Path.GetDirectoryName(settings.Index!)!, "bot.db");

    /// <summary>Creates the file's folder and returns the connection string for it.</summary>
    public static string ConnectionString(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        return new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate }.ToString();
    }

    /// <summary>Creates the file (and its folder) in WAL mode with the tables of <paramref name="schema"/>; returns the connection string.</summary>
    public static string Create(string path, string schema)
    {
        var connectionString = ConnectionString(path);
        using var c = Open(connectionString);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode = WAL;\n" + schema;
        cmd.ExecuteNonQuery();
        return connectionString;
    }

    public static SqliteConnection Open(string connectionString)
    {
        var c = new SqliteConnection(connectionString);
        c.Open();
        // In WAL mode NORMAL still survives a killed process (the log is in the OS cache); only an OS crash or power
        // loss can cost the last commits. FULL would fsync on every answer and queue concurrent answers behind the disk.
        using var pragma = c.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous = NORMAL";
        pragma.ExecuteNonQuery();
        return c;
    }
}
