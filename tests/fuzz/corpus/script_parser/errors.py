x = (1 +
  2
 y = [[[
	if x:
	  pass
