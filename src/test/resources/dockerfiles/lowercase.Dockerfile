# expect: stages=2 needed=2
from alpine as build
run echo building > /out
from alpine
copy --from=build /out /out
cmd ["cat", "/out"]
