"""Where the data lives: the ORM entities, opening and checking a database, migrations, backups and
the change history.
"""
