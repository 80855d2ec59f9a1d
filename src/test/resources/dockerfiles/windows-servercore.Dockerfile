# escape=`
# expect: stages=1 needed=1
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue';"]
ENV APP_HOME=C:\app
WORKDIR $APP_HOME
COPY app\ C:\app\
RUN New-Item -ItemType Directory -Path C:\data ; `
    Write-Host 'created'
RUN Invoke-WebRequest -Uri https://example.com/tool.zip -OutFile C:\tool.zip ; `
    Expand-Archive C:\tool.zip -DestinationPath C:\tool ; `
    Remove-Item C:\tool.zip
CMD ["C:\\app\\app.exe"]
