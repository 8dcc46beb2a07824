"""deepread's two faces (Discord and the terminal), its service layer and its store."""
