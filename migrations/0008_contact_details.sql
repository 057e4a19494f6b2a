-- Contact details agents edit: e-mail, and a name that the platform profile no longer overwrites.
ALTER TABLE contacts
  ADD COLUMN email text,
  ADD COLUMN name_edited boolean NOT NULL DEFAULT false;
