-- People who opened Ponte's App Home tab recently: their home is republished when tickets change.
CREATE TABLE home_viewers (
  platform  text NOT NULL,
  user_id   text NOT NULL,
  opened_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (platform, user_id)
);
