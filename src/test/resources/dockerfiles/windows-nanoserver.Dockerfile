# escape=`
# expect: stages=1 needed=1
FROM mcr.microsoft.com/windows/nanoserver:ltsc2022
USER ContainerAdministrator
RUN setx /M PATH "%PATH%;C:\tools" && `
    mkdir C:\tools
COPY tool.exe C:\tools\
USER ContainerUser
